"""The coordinator console: leads, conversations and unanswered questions, in a browser.

Its own process (``python -m console``, ``make console``), server-rendered with Sanic and
Jinja2, on the lead store's database. Modules: ``settings`` (environment), ``labels`` (every
French and English label, side by side), ``sessions`` (sign-in, cookies, CSRF, idle timeout),
``pages`` (rendering, errors), ``audit``, and one module of routes per part: ``auth_routes``,
``lead_routes``, ``unanswered_routes``, ``admin_routes``; ``app`` puts them together.
"""
