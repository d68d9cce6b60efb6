"""Browser pages: account maps (pyvis), team coverage, the portfolio overview and sign-in.

Built on the analysis layer through the :class:`~graphsvc.analyst.Analyst`; every page is
rendered on the server from Jinja templates with autoescaping, and every script and
stylesheet it needs is served by graphsvc itself (no CDN).
"""
