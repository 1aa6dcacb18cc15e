-- wrk script for `make bench`: counts the page cache's answers (X-Page-Cache: hit)
-- and ends the run with a line "CACHE <hits> <responses>". With PATHS naming a
-- file of paths (one per line), each request GETs one of them picked at random.
local file = os.getenv("PATHS")
if file and file ~= "" then
    local paths = {}
    for line in io.lines(file) do
        paths[#paths + 1] = line
    end
    request = function()
        return wrk.format("GET", paths[math.random(#paths)])
    end
end
local threads = {}

function setup(thread)
    threads[#threads + 1] = thread
end

function init(args)
    math.randomseed(os.time())
    hits, responses = 0, 0
end

function response(status, headers, body)
    responses = responses + 1
    if headers["X-Page-Cache"] == "hit" then
        hits = hits + 1
    end
end

function done(summary, latency, requests)
    local h, r = 0, 0
    for _, thread in ipairs(threads) do
        h = h + thread:get("hits")
        r = r + thread:get("responses")
    end
    io.write(string.format("CACHE %d %d\n", h, r))
end
