"""The operations console: screenshots for docs/console.md and page render times."""
