"""Write the index into the built site."""
