"""The personal layer on the web: For you, follows, saved searches, onboarding, private feeds."""
