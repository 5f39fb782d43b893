"""The network view over the store, and its exports."""
