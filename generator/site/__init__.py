"""The site: generation (figures → pages and downloads in memory), rendering, charts, downloads,
the feed and citations, and the MkDocs plugin that hands it all to MkDocs."""
