"""Running the whole assistant: environments, model training, processes (used by the run
command and by the integration tests, so both start the stack the same way)."""
