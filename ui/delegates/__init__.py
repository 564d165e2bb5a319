"""Delegates that paint the app's list rows by hand (with cached layouts)."""
