"""Parameter sweeps: sweep files, designs, resumable runs on Dask, and their analysis."""
