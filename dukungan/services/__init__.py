"""Service functions: one use case each, called by the API routes and the workers."""
