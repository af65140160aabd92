"""The web door to the same services the CLI calls: `aarshjul serve` (STYLE.md §7).

Only this package imports Flask. Routes parse the request, call a service, render a
template from aarshjul/render/templates (Jinja2, autoescaped). GET never changes state;
every POST carries a CSRF token (Flask-WTF); the session is Flask's signed, HttpOnly
cookie; nothing secret stays in a URL after the link's button is pressed.
"""

from aarshjul.web.app import WebOppsett, create_app

__all__ = ["WebOppsett", "create_app"]
