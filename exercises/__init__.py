"""Exercise tooling: build student/instructor artifacts from otter masters, and grade."""
