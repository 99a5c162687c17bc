"""The staff web console (issue 19): aiohttp pages over the same use cases as chat and the CLI.

`server.build_app` makes the application, `server.start_web_server` serves it beside the bot.
Pages are thin: read the request, call the use cases of that page (one small function each, so
they are easy to follow when use cases change), render a template whose words are in
`texts/web.py`. Authorization is the use cases' own, with the staff member's `Actor`.
"""
