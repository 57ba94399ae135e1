"""What each reader follows, searches for and brings in: follows, saved searches, reference files, private feed keys."""
