"""What feed readers and reference managers fetch: RSS/Atom feeds, BibTeX and RIS exports."""
