"""Models over passages: embeddings, narrative classification, spikes and bifurcation."""
