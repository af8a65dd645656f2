/**
 * The Lua scripts of cluster mode. Each runs atomically in Redis, which is what makes
 * "exactly one node decides each transition" true: ownership is checked and the record,
 * the `seq` counter and the event stream are written in one step.
 *
 * Session hash fields: `r` record (see codec.ts), `o` owner (a node incarnation), `e`
 * epoch (claims so far), `v` version (the `seq` of its latest transition), `q` the
 * owner's latest applied operation number, `rp` 1 when the owner got it by reaping, `lb`/`st` last beat and status from flushes.
 */

/** Shared by claim and commit: INCR seq and XADD each transition; the last carries `a`. */
const APPEND = `
local function append(seqKey, streamKey, maxlen, tails, after, owner, epoch)
  local seqs = {}
  for i, tail in ipairs(tails) do
    local seq = redis.call('INCR', seqKey)
    local id = seq .. '-0'
    local body = '{"seq":' .. seq .. ',' .. tail
    if i == #tails then
      redis.call('XADD', streamKey, 'MAXLEN', '~', maxlen, id, 't', body, 'a', after, 'o', owner, 'e', epoch)
    else
      redis.call('XADD', streamKey, 'MAXLEN', '~', maxlen, id, 't', body)
    end
    seqs[#seqs + 1] = seq
  end
  return seqs
end
`;

/**
 * KEYS: session hash, my owned set, tenant index, tenants, seq, stream.
 * ARGV: me, op, expected version, record, id, tenant, maxlen, prefix, tails...
 */
export const CLAIM = `${APPEND}
local h = KEYS[1]
local me, op, expected = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local cur = redis.call('HMGET', h, 'o', 'e', 'v', 'q')
if cur[1] == me and tonumber(cur[4] or '0') >= op then
  return {'dup', cur[2] or '0', cur[3] or '0'}
end
local v = tonumber(cur[3] or '0')
-- expected -1: "I own it and reconnect to it": refused only if another node owns it now.
if (expected == -1 and cur[1] ~= me) or (expected ~= -1 and v ~= expected) then
  local all = redis.call('HGETALL', h)
  table.insert(all, 1, 'stale')
  return all
end
local old = cur[1]
if old and old ~= me then
  redis.call('SREM', ARGV[8] .. 'o/' .. old, h)
  redis.call('PUBLISH', ARGV[8] .. 'inbox/' .. old, cjson.encode({lost = {ARGV[6], ARGV[5]}}))
end
local epoch = tonumber(cur[2] or '0') + 1
redis.call('HSET', h, 'r', ARGV[4], 'o', me, 'e', epoch, 'q', op, 'rp', 0)
redis.call('SADD', KEYS[2], h)
redis.call('SADD', KEYS[3], ARGV[5])
redis.call('SADD', KEYS[4], ARGV[6])
local tails = {}
for i = 9, #ARGV do tails[#tails + 1] = ARGV[i] end
local seqs = append(KEYS[5], KEYS[6], ARGV[7], tails, ARGV[4], me, epoch)
if #seqs > 0 then
  v = seqs[#seqs]
  redis.call('HSET', h, 'v', v)
end
local out = {'ok', tostring(epoch), tostring(v)}
for _, s in ipairs(seqs) do out[#out + 1] = tostring(s) end
return out
`;

/**
 * KEYS: session hash, my owned set, tenant index, seq, stream.
 * ARGV: me, op, record ('' ends the session), id, maxlen, tails...
 */
export const COMMIT = `${APPEND}
local h = KEYS[1]
local me, op = ARGV[1], tonumber(ARGV[2])
local cur = redis.call('HMGET', h, 'o', 'e', 'v', 'q', 'rp')
if cur[1] ~= me then return {'fenced', cur[1] or '', cur[5] or '1'} end
if tonumber(cur[4] or '0') >= op then return {'dup', cur[2] or '0', cur[3] or '0'} end
local epoch = cur[2] or '0'
local v = tonumber(cur[3] or '0')
if ARGV[3] == '' then
  redis.call('DEL', h)
  redis.call('SREM', KEYS[2], h)
  redis.call('SREM', KEYS[3], ARGV[4])
else
  redis.call('HSET', h, 'r', ARGV[3], 'q', op)
end
local tails = {}
for i = 6, #ARGV do tails[#tails + 1] = ARGV[i] end
local seqs = append(KEYS[4], KEYS[5], ARGV[5], tails, ARGV[3], me, epoch)
if #seqs > 0 then
  v = seqs[#seqs]
  if ARGV[3] ~= '' then redis.call('HSET', h, 'v', v) end
end
local out = {'ok', tostring(epoch), tostring(v)}
for _, s in ipairs(seqs) do out[#out + 1] = tostring(s) end
return out
`;

/**
 * KEYS: the session hashes. ARGV: me, beats channel, payload, then per key: lb, st.
 * Writes only the sessions `me` still owns; publishes the payload for read replicas.
 */
export const FLUSH = `
local me = ARGV[1]
local skipped = 0
for i, h in ipairs(KEYS) do
  if redis.call('HGET', h, 'o') == me then
    redis.call('HSET', h, 'lb', ARGV[2 + 2 * i], 'st', ARGV[3 + 2 * i])
  else
    skipped = skipped + 1
  end
end
if #KEYS > skipped then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return skipped
`;

/**
 * KEYS: nodes, prior marks. ARGV: me, leaving ('1' or '0'). Scores are Redis's own clock.
 * The mark it replaces is kept as the prior one, for REAP to see a gap between the two.
 */
export const ALIVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[2] == '1' then now = 0 end
local last = redis.call('ZSCORE', KEYS[1], ARGV[1])
if last then redis.call('HSET', KEYS[2], ARGV[1], last) end
redis.call('ZADD', KEYS[1], now, ARGV[1])
return now
`;

/**
 * KEYS: nodes, prior marks. ARGV: me, ttl, max, prefix. Claims at most `max` sessions of
 * one dead node for `me`, only while `me`'s marks show no stall: its last mark within the
 * last ttl / 2, and no more than ttl / 2 after the one before. Redis frozen (SIGSTOP, a
 * stuck host) shows as such a gap in every node's marks: a reap that waited out the freeze
 * in the socket finds its caller's mark as old as the freeze, and one sent right after the
 * caller's first mark past the freeze finds the gap before it; the other nodes' marks may
 * still be waiting to be read then, so it judges nothing (see `Liveness.reap`). A reap that
 * runs marks `me`, so that the batches of one round stay fresh. Returns {dead, then per
 * session: r, e, v, lb, st}.
 */
export const REAP = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local me, ttl, max, prefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local mine = redis.call('ZSCORE', KEYS[1], me)
if not mine or tonumber(mine) < now - ttl / 2 then return {} end
local prior = redis.call('HGET', KEYS[2], me)
if prior and tonumber(mine) - tonumber(prior) > ttl / 2 then return {} end
redis.call('HSET', KEYS[2], me, mine)
redis.call('ZADD', KEYS[1], now, me)
local cands = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - ttl, 'LIMIT', 0, 2)
local dead = nil
for _, n in ipairs(cands) do
  if n ~= me then dead = n break end
end
if not dead then return {} end
local owned = prefix .. 'o/' .. dead
local out = {dead}
local keys = redis.call('SPOP', owned, max)
for _, h in ipairs(keys) do
  local cur = redis.call('HMGET', h, 'o', 'e', 'v', 'r', 'lb', 'st')
  if cur[1] == dead and cur[4] then
    local e = tonumber(cur[2] or '0') + 1
    redis.call('HSET', h, 'o', me, 'e', e, 'q', 0, 'rp', 1)
    redis.call('SADD', prefix .. 'o/' .. me, h)
    out[#out + 1] = cur[4]
    out[#out + 1] = tostring(e)
    out[#out + 1] = cur[3] or '0'
    out[#out + 1] = cur[5] or ''
    out[#out + 1] = cur[6] or ''
  end
end
if redis.call('SCARD', owned) == 0 then
  redis.call('ZREM', KEYS[1], dead)
  redis.call('HDEL', KEYS[2], dead)
end
return out
`;

/** KEYS: session hash. ARGV: prefix, message. Publishes to the owner's inbox. */
export const FORWARD = `
local o = redis.call('HGET', KEYS[1], 'o')
if not o then return 0 end
return redis.call('PUBLISH', ARGV[1] .. 'inbox/' .. o, ARGV[2])
`;
