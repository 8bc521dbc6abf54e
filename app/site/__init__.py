"""The public site: server-rendered Jinja2 pages over the API's own services and exporters."""
