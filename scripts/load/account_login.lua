-- wrk script: POST account.login events with unique idempotency keys, spread over ACTORS accounts
-- (mp_0 .. mp_{ACTORS-1}). Each person signs in from one of two devices, from an address in one
-- of a few hundred /24 networks, located in their own city; SHARED (0 to 1, default 0.01) of the
-- sign-ins come from a device and network another account also uses (a household, an office,
-- or one person with two accounts), and TRAVEL (default 0.001) from the other side of the world.
local actors = tonumber(os.getenv("ACTORS") or "10000")
local shared = tonumber(os.getenv("SHARED") or "0.01")
local travel = tonumber(os.getenv("TRAVEL") or "0.001")
-- PLACES=0 leaves the coordinates out (for builds that predate them).
local places = os.getenv("PLACES") ~= "0"
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  math.randomseed(tid * 7919)
end

request = function()
  counter = counter + 1
  local n = math.random(0, actors - 1)
  local device = "dev-" .. n .. "-" .. math.random(1, 2)
  local net = n % 251
  local host = 1 + (n % 250)
  local lat = -60 + (n % 120)
  local lon = -170 + (n % 340)
  local r = math.random()
  if r < shared then
    local other = math.random(0, actors - 1)
    device = "dev-" .. other .. "-1"
    net = other % 251
  elseif r < shared + travel then
    lat = -lat
    lon = (lon + 180) % 360 - 180
  end
  local body = '{"type":"account.login","occurred_at":"2026-11-21T10:00:00Z","actor_id":"mp_' .. n ..
    '","data":{"ip":"198.' .. (18 + net % 2) .. '.' .. net .. '.' .. host .. '","device_id":"' .. device ..
    '"' .. (places and (',"latitude":' .. lat .. ',"longitude":' .. lon) or '') .. '}}'
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  headers["Idempotency-Key"] = "login-" .. tid .. "-" .. counter .. "-" .. os.time()
  return wrk.format("POST", "/api/v1/events", headers, body)
end
