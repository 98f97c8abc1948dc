"""dukungan: workers."""
