"""Input and output: everything that reads or writes a package or a site on disk — the package
reader, the archive store, the output folder, the write guard and the Excel workbook."""
