package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
)

// List page sizes.
const (
	DefaultListLimit = 50
	MaxListLimit     = 100
)

func (h *handler) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (h *handler) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		h.log.WarnContext(ctx, "store not ready", "request_id", requestID(ctx), "error", err.Error())
		writeError(w, r, http.StatusServiceUnavailable, CodeUnavailable, "the progress store is not reachable")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// authorize authenticates the caller and checks they may touch the user in
// the path; it has answered the request when it returns false.
func (h *handler) authorize(w http.ResponseWriter, r *http.Request) bool {
	p, err := h.auth.Authenticate(r)
	if err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) {
			writeError(w, r, http.StatusUnauthorized, CodeUnauthorized, ae.Reason)
		} else {
			h.fail(w, r, err)
		}
		return false
	}
	userID := r.PathValue("userId")
	if !progress.ValidID(userID) {
		writeError(w, r, http.StatusBadRequest, CodeInvalidRequest, "userId "+progress.IDRule)
		return false
	}
	if !p.CanAccess(userID) {
		writeError(w, r, http.StatusForbidden, CodeForbidden, "this token may only access the progress of its own user (sub)")
		return false
	}
	return true
}

// courseKey reads and checks the path's ids.
func courseKey(w http.ResponseWriter, r *http.Request) (store.Key, bool) {
	k := store.Key{UserID: r.PathValue("userId"), CourseID: r.PathValue("courseId")}
	if !progress.ValidID(k.CourseID) {
		writeError(w, r, http.StatusBadRequest, CodeInvalidRequest, "courseId "+progress.IDRule)
		return k, false
	}
	return k, true
}

func (h *handler) getCourse(w http.ResponseWriter, r *http.Request) {
	k, ok := courseKey(w, r)
	if !ok {
		return
	}
	c, err := h.store.Get(r.Context(), k)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.Empty()) {
		writeError(w, r, http.StatusNotFound, CodeNotFound, fmt.Sprintf("no progress recorded for course %s of user %s", k.CourseID, k.UserID))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c.View())
}

type eventsRequest struct {
	Events []progress.EventInput `json:"events"`
}

func (h *handler) postEvents(w http.ResponseWriter, r *http.Request) {
	k, ok := courseKey(w, r)
	if !ok {
		return
	}
	var req eventsRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if n := len(req.Events); n < 1 || n > progress.MaxEventsPerBatch {
		writeError(w, r, http.StatusBadRequest, CodeInvalidRequest, fmt.Sprintf("events must hold 1 to %d events; got %d", progress.MaxEventsPerBatch, n))
		return
	}
	now := h.now()
	events := make([]progress.Event, len(req.Events))
	for i, in := range req.Events {
		ev, err := in.Validate(fmt.Sprintf("events[%d]", i), now)
		if err != nil {
			writeError(w, r, http.StatusBadRequest, CodeInvalidRequest, err.Error())
			return
		}
		events[i] = ev
	}
	minimal := prefersMinimal(r.Header)
	ret := store.ReturnCourse
	if minimal {
		ret = store.ReturnNothing
	}
	c, err := h.store.Record(r.Context(), k, events, ret)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if minimal {
		// The acknowledgement alone: the store read nothing back.
		w.Header().Set("Preference-Applied", PreferMinimal)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, c.View())
}

// PreferMinimal is the preference (RFC 7240) with which a client asks for
// a write's acknowledgement alone, without the merged course.
const PreferMinimal = "return=minimal"

// prefersMinimal reads the Prefer headers: comma-separated preferences,
// each a token, optionally "=" a value, optionally with parameters after
// ";"; names are case-insensitive.
func prefersMinimal(h http.Header) bool {
	for _, line := range h.Values("Prefer") {
		for _, pref := range strings.Split(line, ",") {
			pref, _, _ = strings.Cut(pref, ";")
			name, value, _ := strings.Cut(pref, "=")
			if strings.EqualFold(strings.TrimSpace(name), "return") && strings.Trim(strings.TrimSpace(value), `"`) == "minimal" {
				return true
			}
		}
	}
	return false
}

func (h *handler) resetCourse(w http.ResponseWriter, r *http.Request) {
	k, ok := courseKey(w, r)
	if !ok {
		return
	}
	if err := h.store.Reset(r.Context(), k, h.now()); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type listResponse struct {
	Courses    []progress.Summary `json:"courses"`
	NextCursor string             `json:"nextCursor,omitempty"`
}

func (h *handler) listCourses(w http.ResponseWriter, r *http.Request) {
	userID := r.PathValue("userId")
	q := r.URL.Query()
	limit := DefaultListLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxListLimit {
			writeError(w, r, http.StatusBadRequest, CodeInvalidRequest, fmt.Sprintf("limit must be a whole number from 1 to %d", MaxListLimit))
			return
		}
		limit = n
	}
	after := ""
	if s := q.Get("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || !progress.ValidID(string(b)) {
			writeError(w, r, http.StatusBadRequest, CodeInvalidRequest, "cursor is not one this API returned; pass nextCursor from the previous page unchanged")
			return
		}
		after = string(b)
	}
	page, err := h.store.List(r.Context(), userID, after, limit+1)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp := listResponse{Courses: page}
	if len(page) > limit {
		resp.Courses = page[:limit]
		resp.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(page[limit-1].CourseID))
	}
	writeJSON(w, http.StatusOK, resp)
}

// decodeJSON reads a JSON body strictly; it has answered the request when it
// returns false.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, r, http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "send the body as JSON with Content-Type: application/json")
		return false
	}
	body := r.Body
	if r.ContentLength > MaxBodyBytes {
		tooLarge(w, r, body)
		return false
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, body, MaxBodyBytes))
	if err == nil {
		// Two parsers reading one document differently is how a request
		// smuggles a value past a check; a key given twice is refused.
		if key := duplicateKey(data); key != "" {
			writeError(w, r, http.StatusBadRequest, CodeInvalidRequest, fmt.Sprintf("request body gives the key %q more than once", key))
			return false
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
		if err == nil {
			if _, extra := dec.Token(); extra != io.EOF {
				err = errors.New("unexpected data after the JSON object")
			}
		}
	}
	if err == nil {
		return true
	}
	var maxBytes *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	msg := "request body is not valid JSON: " + err.Error()
	switch {
	case errors.As(err, &maxBytes):
		tooLarge(w, r, body)
		return false
	case errors.As(err, &typeErr):
		msg = fmt.Sprintf("request body: %s must be %s, not %s", typeErr.Field, typeErr.Type, typeErr.Value)
	case errors.As(err, &syntaxErr):
		msg = fmt.Sprintf("request body is not valid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.Is(err, io.EOF):
		msg = "request body is empty; send {\"events\":[...]}"
	}
	writeError(w, r, http.StatusBadRequest, CodeInvalidRequest, msg)
	return false
}

// fail maps a store or domain error to its status.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, progress.ErrTooManyLessons), errors.Is(err, store.ErrTooLarge):
		writeError(w, r, http.StatusUnprocessableEntity, CodeTooManyLessons, err.Error())
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		h.log.WarnContext(r.Context(), "store unavailable", "request_id", requestID(r.Context()), "error", err.Error())
		writeError(w, r, http.StatusServiceUnavailable, CodeUnavailable, "the progress store is unavailable; retry after a moment")
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer.
		writeError(w, r, 499, CodeUnavailable, "request canceled")
	default:
		h.log.ErrorContext(r.Context(), "internal error", "request_id", requestID(r.Context()), "error", err.Error())
		writeError(w, r, http.StatusInternalServerError, CodeInternal, "internal error; quote the request id when reporting it")
	}
}

// DrainBytes bounds how much of an oversized body the server reads and
// throws away before it answers 413. A client still sending when the
// connection closes sees a broken pipe instead of the answer; reading the
// rest of a slightly oversized body lets it finish and read the 413, and
// the bound keeps a hostile one from making the server read forever.
const DrainBytes = 8 << 20

// tooLarge drains up to DrainBytes of body (the request's own, beneath
// any MaxBytesReader), then answers 413 and closes the connection.
func tooLarge(w http.ResponseWriter, r *http.Request, body io.Reader) {
	io.CopyN(io.Discard, body, DrainBytes)
	w.Header().Set("Connection", "close")
	writeError(w, r, http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("request body is over %d bytes; send fewer events per request", MaxBodyBytes))
}

// duplicateKey returns a key that some object of the JSON document data
// gives twice, or "" (also for a document that is not JSON: the decoder
// reports that).
func duplicateKey(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		keys   map[string]bool
		expect bool // the next token of an object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				if top != nil && top.object {
					top.expect = true
				}
				stack = append(stack, &frame{object: true, keys: map[string]bool{}, expect: true})
				continue
			case '[':
				if top != nil && top.object {
					top.expect = true
				}
				stack = append(stack, &frame{})
				continue
			default:
				stack = stack[:len(stack)-1]
				continue
			}
		case string:
			if top != nil && top.object && top.expect {
				if top.keys[t] {
					return t
				}
				top.keys[t] = true
				top.expect = false
				continue
			}
		}
		if top != nil && top.object {
			top.expect = true
		}
	}
}
