"""Qt item models over the app's view values, one model per module."""
