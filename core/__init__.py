"""What every app shares and that imports no app: the bottom layer."""
