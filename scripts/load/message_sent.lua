-- wrk script: POST message.sent events with unique idempotency keys, spread over ACTORS accounts
-- (mp_0 .. mp_{ACTORS-1}), about 5% of them with contact details or payment talk.
-- HOT_SHARE (0 to 1, default 0): that share of the messages comes from one flooding sender, mp_0,
-- writing ordinary texts to one client under an active contract (HOT_SHARE=1: a single sender).
-- HOT_TEXT=contact: the flooding sender puts contact details in every message instead, with no
-- contract. HOT_TEXT=rating: every one of its messages names a rating, so the feedback rules and
-- the learned feedback head read each (they do not for ordinary texts).
local actors = tonumber(os.getenv("ACTORS") or "10000")
local hot_share = tonumber(os.getenv("HOT_SHARE") or "0")
local hot_text = os.getenv("HOT_TEXT") or "clean"
-- REPLAY (0 to 1, default 0): that share of the requests sends the thread's previous request again,
-- same key and body, as a client retrying after a timeout does (a replay, decided once).
local replay = tonumber(os.getenv("REPLAY") or "0")
-- BAD_SHARE (0 to 1, default 0.05): that share of the spread senders' messages carries contact
-- details or payment talk.
local bad_share = tonumber(os.getenv("BAD_SHARE") or "0.05")
local last = nil
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  math.randomseed(tid * 7919)
end

local texts = {
  "Thanks, I pushed the fix for the checkout page; can you review the staging build?",
  "The milestone is done. I attached the design files and the notes from our call.",
  "Could you share the API credentials for the sandbox? I will start on the integration tomorrow.",
  "I can deliver the first draft by Friday, and the final version next Wednesday.",
  "Great working with you! Let me know if anything else comes up on the project.",
  "Version 2.4.1 is deployed; order #4815162342 went through the new flow fine.",
  "Happy to help. My rate for this is $45 per hour, estimated 12 hours.",
  "I reviewed the contract terms and they look good to me.",
  "Please send me the logo in SVG so I can finish the landing page.",
  "The report is attached; the numbers for Q3 are in the second tab.",
}
-- Ordinary talk about ratings and reviews: it opens the feedback detectors, and breaks no rule.
local rating = {
  "thanks for the 5 star review, it was great working with you on the landing page",
  "could you leave feedback on the contract when you close it? no rush at all",
  "the app's rating went up to 4.6 stars after the last release, nice work",
  "my last client gave me 4 stars, what could I improve in the handover?",
}
local bad = {
  "mail me at jane.doe.dev@gmail.com and we can talk there",
  "pay me directly with paypal so we avoid the fees",
}

request = function()
  if last ~= nil and replay > 0 and math.random() < replay then
    return last
  end
  counter = counter + 1
  local n, c, active, text
  if hot_share > 0 and math.random() < hot_share then
    n, c, active = 0, 1, "true"
    if hot_text == "contact" then
      -- Before any contract: warnings, then a hold, then every message blocked and reviewed.
      active, text = "false", bad[1]
    elseif hot_text == "rating" then
      text = rating[math.random(1, #rating)]
    else
      text = texts[math.random(1, #texts)]
    end
  else
    n = math.random(1, actors - 1)
    active = "false"
    if math.random() < bad_share then
      text = bad[math.random(1, #bad)]
    else
      text = texts[math.random(1, #texts)]
    end
    -- Each person writes to a few clients of their own (three threads), as on a marketplace; a
    -- random recipient per message would make every sender a mass mailer within seconds.
    c = math.random(1, 3)
  end
  local body = '{"type":"message.sent","occurred_at":"2026-11-21T10:00:00Z","actor_id":"mp_' .. n ..
    '","data":{"thread_id":"t' .. n .. '_' .. c .. '","recipient_ids":["c' .. n .. '_' .. c ..
    '"],"contract_active":' .. active .. ',"text":"' .. text .. '"}}'
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  headers["Idempotency-Key"] = "load-" .. tid .. "-" .. counter .. "-" .. os.time()
  last = wrk.format("POST", "/api/v1/events", headers, body)
  return last
end

local non2xx = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end
