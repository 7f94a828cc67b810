-- The load scenarios of `manage.py benchmark`, driven by wrk (Debian's wrk 4.1, LuaJIT).
--
-- One script for every scenario: the runner (benchmark/processen.py) writes what a scenario needs
-- into a Lua file and passes its path after `--`:
--
--   return {
--     methode = "GET" | "POST",
--     paden = {"/medewerker/klachten/2026-000123/", ...},  -- a random one per request
--     eenmalig = false,      -- true: every path once, split over the threads (survey links)
--     koppen = {Cookie = "...", ["X-Forwarded-Proto"] = "https", ...},
--     lichaam = "a=__GETAL__&b=__CIJFER__",                 -- POST body, placeholders filled in
--     categorieen = {"3", "4"},                             -- for __CATEGORIE__
--     verwacht = 200,                                       -- the status that counts as success
--   }
--
-- Placeholders in the body: __GETAL__ a random number below 10^9 (unique names, e-mail
-- addresses, policy numbers), __CIJFER__ 1-10, __NPS__ 0-10, __CATEGORIE__ one of categorieen.
-- Every connection runs closed-loop: its next request goes out when the previous is answered.
--
-- Per thread it counts the responses with another status than `verwacht` (per status code) and
-- the X-Queries header of the server (benchmark.middleware); done() prints one line per figure,
-- "uitslag <name> <value>", which the runner reads: the requests, the duration, socket errors,
-- the latency percentiles (microseconds), the status errors and the mean number of queries.

local draden = {}
local volgnummer = 0

function setup(thread)
   thread:set("id", volgnummer)
   volgnummer = volgnummer + 1
   table.insert(draden, thread)
end

-- Thread state (globals: done() reads them with thread:get).
fouten = 0
queries_som = 0
queries_aantal = 0
foutcodes = {}
uitgeput = 0

local cfg
local positie
local stap

function init(args)
   cfg = dofile(args[1])
   local draden_totaal = tonumber(args[2] or "1")
   -- A seed of its own per wrk process (the runner's) and thread: two scenarios started in the
   -- same second would otherwise send the same "random" names.
   math.randomseed(tonumber(args[3] or os.time()) + (id or 0) * 7919)
   -- Paths used once (an answered survey link cannot be answered again): thread i takes
   -- paths i+1, i+1+n, i+1+2n, ...
   positie = (id or 0) + 1
   stap = draden_totaal
end

local function willekeurig(lijst)
   return lijst[math.random(#lijst)]
end

local vullers = {
   GETAL = function() return tostring(math.random(0, 999999999)) end,
   CIJFER = function() return tostring(math.random(1, 10)) end,
   NPS = function() return tostring(math.random(0, 10)) end,
   CATEGORIE = function() return willekeurig(cfg.categorieen) end,
}

function request()
   local pad
   if cfg.eenmalig then
      pad = cfg.paden[positie]
      if pad == nil then
         -- Out of unused paths: repeat the last (answered: it counts as an error).
         uitgeput = 1
         pad = cfg.paden[#cfg.paden]
      end
      positie = positie + stap
   else
      pad = willekeurig(cfg.paden)
   end
   local lichaam = nil
   if cfg.lichaam then
      lichaam = string.gsub(cfg.lichaam, "__(%u+)__", function(naam)
         return vullers[naam]()
      end)
   end
   return wrk.format(cfg.methode, pad, cfg.koppen, lichaam)
end

function response(status, headers, body)
   if status ~= cfg.verwacht then
      fouten = fouten + 1
      local sleutel = tostring(status)
      foutcodes[sleutel] = (foutcodes[sleutel] or 0) + 1
   end
   local q = headers["X-Queries"] or headers["x-queries"]
   if q then
      queries_som = queries_som + tonumber(q)
      queries_aantal = queries_aantal + 1
   end
end

function done(summary, latency, requests)
   local totaal = {fouten = 0, queries_som = 0, queries_aantal = 0, uitgeput = 0}
   local codes = {}
   for _, thread in ipairs(draden) do
      for naam, _ in pairs(totaal) do
         totaal[naam] = totaal[naam] + (thread:get(naam) or 0)
      end
      for code, aantal in pairs(thread:get("foutcodes") or {}) do
         codes[code] = (codes[code] or 0) + aantal
      end
   end
   local e = summary.errors
   local regels = {
      aanvragen = summary.requests,
      duur_us = summary.duration,
      socketfouten = e.connect + e.read + e.write + e.timeout,
      statusfouten = totaal.fouten,
      p50_us = latency:percentile(50),
      p95_us = latency:percentile(95),
      p99_us = latency:percentile(99),
      gemiddeld_us = latency.mean,
      queries_som = totaal.queries_som,
      queries_aantal = totaal.queries_aantal,
      uitgeput = totaal.uitgeput,
   }
   for naam, waarde in pairs(regels) do
      io.write(string.format("uitslag %s %s\n", naam, tostring(waarde)))
   end
   for code, aantal in pairs(codes) do
      io.write(string.format("uitslag status_%s %d\n", code, aantal))
   end
end
