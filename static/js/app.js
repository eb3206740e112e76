// collab's own behaviour on top of htmx; every page also works without it.
"use strict";
