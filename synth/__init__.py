"""dukungan: synth."""
