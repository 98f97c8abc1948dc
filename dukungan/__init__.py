"""dukungan: dukungan."""
