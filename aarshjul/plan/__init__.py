"""Reading a plan: YAML nodes with their marks, `når` rules, references, privacy, schema, the starter plan."""
