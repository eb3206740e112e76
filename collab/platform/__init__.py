"""What every capability stands on: settings, extensions, the queue, the clock, errors, health."""
