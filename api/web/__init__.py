"""Pages for people, served by the same app under /ui: GOV.UK Frontend styles, server-rendered
(Jinja2), working without JavaScript. They read and write through the API's own dependencies, so
the role policy and the access log apply to every page as to every API call."""
