"""dukungan: storage."""
