-- wrk: an allowed actual request, as a browser sends it.
wrk.method = "GET"
wrk.path = "/api/items"
wrk.headers["Origin"] = "https://app.example.com"
wrk.headers["Accept"] = "application/json"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) bench"
