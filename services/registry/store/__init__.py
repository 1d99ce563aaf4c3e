"""Plain SQL for the registry's tables; every function runs on the caller's cursor/transaction."""
