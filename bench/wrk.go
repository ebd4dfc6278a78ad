package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/progresskit/progresskit/service/api"
)

// wrkScript makes every request of a wrk connection different, as the
// vegeta targeter does: a random learner of the read set and, for writes,
// a new event id.
const wrkScript = `
local users, course, token, write, prefer = %d, %q, %q, %t, %q
local n = 0
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
if write then
  wrk.headers["Prefer"] = prefer
end
math.randomseed(os.time() + math.random(1000000))
request = function()
  n = n + 1
  local path = string.format("/v1/users/bench-u%%04d/courses/%%s", math.random(0, users - 1), course)
  if not write then
    return wrk.format("GET", path)
  end
  local id = string.format("w-%%d-%%d-%%d", os.time(), math.random(1000000000), n)
  local body = string.format('{"events":[{"id":"%%s","lessonId":"l%%d","type":"progress","positionSeconds":%%d,"occurredAt":"%%s","device":"web","lessonCount":20}]}',
    id, n %% 20, n %% 300, os.date("!%%Y-%%m-%%dT%%H:%%M:%%SZ"))
  return wrk.format("POST", path .. "/events", nil, body)
end
`

var (
	wrkRateRE   = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkErrorsRE = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkTotalRE  = regexp.MustCompile(`(\d+) requests in`)
)

// wrkPeak drives the server closed-loop with conc connections for d, with
// wrk: a C event loop that leaves the CPU to the server on a small machine.
func wrkPeak(s *server, w Work, conc int, d time.Duration, dir string) (Measure, error) {
	script := filepath.Join(dir, fmt.Sprintf("wrk-%t.lua", w.Write))
	if err := os.WriteFile(script, []byte(fmt.Sprintf(wrkScript, users, courseID, s.Token, w.Write, api.PreferMinimal)), 0o644); err != nil {
		return Measure{}, err
	}
	out, err := exec.Command("wrk", "-t", "2", "-c", strconv.Itoa(conc), "-d", fmt.Sprintf("%.0fs", d.Seconds()), "-s", script, s.URL).CombinedOutput()
	if err != nil {
		return Measure{}, fmt.Errorf("wrk (Debian's wrk package; make installs it): %v\n%s", err, out)
	}
	res, err := parseWrk(out)
	if err != nil {
		return res, err
	}
	if res.Errors*100 > res.Requests*maxErrorPercent {
		return res, fmt.Errorf("%d of %d requests failed:\n%s", res.Errors, res.Requests, out)
	}
	return res, nil
}

// parseWrk reads wrk's summary. Its Requests/sec counts every answer, 503s
// from a busy store included, while the direct ceiling counts only
// operations that succeeded; so PerSecond is successful answers per second:
// Requests/sec scaled by the share of answers that were not errors. (wrk
// counts 4xx and 5xx as "Non-2xx or 3xx"; the routes measured never
// redirect.) Scaling the rate, rather than dividing by the duration wrk
// prints to two decimals, keeps wrk's own precise run time.
func parseWrk(out []byte) (Measure, error) {
	m := wrkRateRE.FindSubmatch(out)
	t := wrkTotalRE.FindSubmatch(out)
	if m == nil || t == nil {
		return Measure{}, fmt.Errorf("no Requests/sec or request count in wrk's output:\n%s", out)
	}
	rate, _ := strconv.ParseFloat(string(m[1]), 64)
	res := Measure{PerSecond: rate}
	res.Requests, _ = strconv.Atoi(string(t[1]))
	if e := wrkErrorsRE.FindSubmatch(out); e != nil {
		res.Errors, _ = strconv.Atoi(string(e[1]))
	}
	if res.Errors > 0 {
		res.PerSecond = rate * float64(res.Requests-res.Errors) / float64(res.Requests)
	}
	return res, nil
}
