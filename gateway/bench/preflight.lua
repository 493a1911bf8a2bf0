-- wrk: an allowed preflight with two requested headers.
wrk.method = "OPTIONS"
wrk.path = "/api/items"
wrk.headers["Origin"] = "https://app.example.com"
wrk.headers["Access-Control-Request-Method"] = "PUT"
wrk.headers["Access-Control-Request-Headers"] = "content-type,x-custom"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) bench"
