package docker

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeEngine speaks just enough of the Engine API for faults the real
// engine cannot produce on demand: a start that fails, a container that
// survives SIGKILL, a container appearing mid-stop, the engine vanishing.
// Everything else is tested against a real engine (integration tests).
type fakeEngine struct {
	mu         sync.Mutex
	containers map[string]*fakeContainer
	order      []string
	failStart  map[string]bool // id → POST start answers 500
	immortal   map[string]bool // id → stop and kill leave it running
	onStop     func(f *fakeEngine)
	updates    []string // "id=policy:retries", in order
	srv        *httptest.Server
}

type fakeContainer struct {
	id, name, service string
	running           bool
	exitCode          int
	policy            RestartPolicy
	restarts          int
	started           time.Time
}

func newFake(t *testing.T) *fakeEngine {
	f := &fakeEngine{containers: map[string]*fakeContainer{}, failStart: map[string]bool{},
		immortal: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeEngine) add(id, service string, running bool, p RestartPolicy) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.containers[id] = &fakeContainer{id: id, name: "p_" + service + "_1", service: service,
		running: running, policy: p, started: time.Now()}
	f.order = append(f.order, id)
}

func (f *fakeEngine) engine(t *testing.T) *Engine {
	t.Helper()
	e, err := Connect(context.Background(), Options{Host: "tcp://" + f.srv.Listener.Addr().String(),
		Settle: -1, Poll: 10 * time.Millisecond}) // Settle -1: no window
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func (f *fakeEngine) policy(id string) RestartPolicy {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.containers[id].policy
}

func (f *fakeEngine) isRunning(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.containers[id].running
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeEngine) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Api-Version", "1.41")
	w.Header().Set("Ostype", "linux")
	p := r.URL.Path
	if p == "/_ping" {
		_, _ = w.Write([]byte("OK"))
		return
	}
	if i := strings.Index(p[1:], "/"); strings.HasPrefix(p, "/v") && i > 0 {
		p = p[1+i:] // strip the version prefix
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if p == "/containers/json" {
		list := []map[string]any{}
		for _, id := range f.order {
			c := f.containers[id]
			list = append(list, map[string]any{"Id": id, "Names": []string{"/" + c.name}})
		}
		writeJSON(w, 200, list)
		return
	}
	parts := strings.Split(strings.TrimPrefix(p, "/containers/"), "/")
	if len(parts) != 2 {
		writeJSON(w, 404, map[string]string{"message": "page not found"})
		return
	}
	c, ok := f.containers[parts[0]]
	if !ok {
		writeJSON(w, 404, map[string]string{"message": "No such container: " + parts[0]})
		return
	}
	switch parts[1] {
	case "json":
		status := "exited"
		if c.running {
			status = "running"
		}
		writeJSON(w, 200, map[string]any{
			"Id": c.id, "Name": "/" + c.name, "Image": "sha256:0000", "Created": "2026-01-01T00:00:00Z",
			"RestartCount": c.restarts,
			"State": map[string]any{"Status": status, "Running": c.running, "ExitCode": c.exitCode,
				"StartedAt": c.started.Format(time.RFC3339Nano)},
			"Config": map[string]any{"Image": "svc:1", "Labels": map[string]string{
				LabelProject: "p", LabelService: c.service, LabelOneOff: "False"}},
			"HostConfig": map[string]any{"RestartPolicy": map[string]any{
				"Name": c.policy.Name, "MaximumRetryCount": c.policy.MaximumRetryCount}},
		})
	case "update":
		var body struct{ RestartPolicy RestartPolicy }
		_ = json.NewDecoder(r.Body).Decode(&body)
		c.policy = body.RestartPolicy
		f.updates = append(f.updates, c.id+"="+c.policy.Name)
		writeJSON(w, 200, map[string]any{"Warnings": []string{}})
	case "stop", "kill":
		if f.onStop != nil {
			f.onStop(f)
			f.onStop = nil
		}
		if !f.immortal[c.id] {
			c.running, c.exitCode = false, 0
		}
		w.WriteHeader(204)
	case "start":
		if f.failStart[c.id] {
			writeJSON(w, 500, map[string]string{"message": "cannot start container: injected failure"})
			return
		}
		c.running, c.started = true, time.Now()
		w.WriteHeader(204)
	default:
		writeJSON(w, 404, map[string]string{"message": "page not found"})
	}
}
