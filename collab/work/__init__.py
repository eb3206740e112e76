"""Filing, routing, the lifecycle of tasks and the shared board."""
