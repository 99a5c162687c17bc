"""Turning use-case data into files and pictures: xlsx workbooks, charts.

Use cases return plain data; handlers, the CLI and the scheduler call a render module of the
feature to make the file. A use case that must store a file in the outbox in its own transaction
takes the renderer as a parameter from its caller; it never imports this package.
"""
