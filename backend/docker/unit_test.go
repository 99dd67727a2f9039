package docker

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAssess(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	always := RestartPolicy{Name: "always"}
	no := RestartPolicy{Name: "no"}
	up := Container{ID: "a", State: "running", Running: true, RestartPolicy: always, StartedAt: t0}
	with := func(f func(*Container)) Container { c := up; f(&c); return c }
	for _, tc := range []struct {
		name       string
		c          Container
		elapsed    time.Duration // since the container was first seen up, unchanged
		window     time.Duration
		wantReady  bool
		wantFinal  bool
		wantReason string
	}{
		{name: "running, no healthcheck, window passed", c: up, elapsed: 3 * time.Second, window: 2 * time.Second, wantReady: true},
		{name: "running, settling", c: up, elapsed: time.Second, window: 2 * time.Second, wantReason: "settling"},
		{name: "healthy", c: with(func(c *Container) { c.Health = HealthHealthy }), window: 0, wantReady: true},
		{name: "health starting", c: with(func(c *Container) { c.Health = HealthStarting }), wantReason: "health check starting"},
		{name: "unhealthy", c: with(func(c *Container) { c.Health = HealthUnhealthy }), wantReason: "unhealthy"},
		{name: "restarting", c: with(func(c *Container) { c.State, c.Restarting, c.RestartCount = "restarting", true, 3 }),
			wantReason: "restarting (restarted 3 times)"},
		{name: "exited, will be restarted", c: with(func(c *Container) { c.State, c.Running, c.ExitCode = "exited", false, 1 }),
			wantReason: "exited (code 1)"},
		{name: "exited for good", c: with(func(c *Container) { c.State, c.Running, c.ExitCode, c.RestartPolicy = "exited", false, 1, no }),
			wantFinal: true, wantReason: "exited (code 1) and will not be restarted"},
		{name: "on-failure retries used up", c: with(func(c *Container) {
			c.State, c.Running, c.ExitCode, c.RestartCount = "exited", false, 1, 3
			c.RestartPolicy = RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}
		}), wantFinal: true, wantReason: "will not be restarted"},
		{name: "one-shot completed", c: with(func(c *Container) { c.State, c.Running, c.RestartPolicy = "exited", false, no }),
			wantReady: true, wantReason: "completed"},
		{name: "created, never started", c: with(func(c *Container) { c.State, c.Running, c.RestartPolicy = "created", false, no }),
			wantFinal: true, wantReason: "created"},
		{name: "paused", c: with(func(c *Container) { c.State = "paused" }), wantReason: "paused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]stability{}
			now := t0.Add(time.Hour)
			assess(tc.c, seen, now.Add(-tc.elapsed), tc.window) // first observation
			r := assess(tc.c, seen, now, tc.window)
			if r.Ready != tc.wantReady || r.final != tc.wantFinal || !strings.Contains(r.Reason, tc.wantReason) {
				t.Fatalf("assess = ready %v final %v reason %q; want ready %v final %v reason containing %q",
					r.Ready, r.final, r.Reason, tc.wantReady, tc.wantFinal, tc.wantReason)
			}
		})
	}
}

// A restart between two observations starts the settle window again.
func TestAssessRestartResetsWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := Container{ID: "a", State: "running", Running: true, StartedAt: t0}
	seen := map[string]stability{}
	assess(c, seen, t0, time.Second)
	c.RestartCount, c.StartedAt = 1, t0.Add(1500*time.Millisecond)
	if r := assess(c, seen, t0.Add(2*time.Second), time.Second); r.Ready {
		t.Fatalf("ready right after a restart: %+v", r)
	}
	if r := assess(c, seen, t0.Add(3*time.Second+time.Millisecond), time.Second); !r.Ready {
		t.Fatalf("not ready a full window after the restart: %+v", r)
	}
}

func TestHealthError(t *testing.T) {
	err := error(&HealthError{Timeout: 8 * time.Second, Containers: []HealthReport{
		{Name: "p_app_1", Service: "app", Reason: "unhealthy"},
		{Service: "db", Reason: "no container"},
	}})
	if !errors.Is(err, ErrNotHealthy) {
		t.Fatal("HealthError does not match ErrNotHealthy")
	}
	want := "containers not healthy after 8s: p_app_1 (app): unhealthy; db: no container"
	if got := err.Error(); got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestStopReportWarnings(t *testing.T) {
	rep := StopReport{Stopped: []StoppedContainer{
		{Name: "p_app_1", ExitCode: 0, WaitSeconds: 10},
		{Name: "p_db_1", ExitCode: 137, Killed: true, WaitSeconds: 10},
	}}
	got := rep.Warnings()
	if len(got) != 1 || got[0] != "container p_db_1 ignored SIGTERM and was killed after 10s" {
		t.Fatalf("Warnings = %q", got)
	}
	if k := rep.Killed(); len(k) != 1 || k[0].Name != "p_db_1" {
		t.Fatalf("Killed = %+v", k)
	}
}

func TestStopSeconds(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want int // -1: nil
	}{
		{-time.Second, -1}, {0, 0}, {time.Millisecond, 1}, {time.Second, 1}, {1500 * time.Millisecond, 2}, {2 * time.Minute, 120},
	} {
		got := stopSeconds(tc.in)
		if (got == nil) != (tc.want == -1) || got != nil && *got != tc.want {
			t.Errorf("stopSeconds(%v) = %v, want %d", tc.in, got, tc.want)
		}
	}
}

// The snapshot is journaled as JSON: its field names are a file format.
func TestSnapshotJSON(t *testing.T) {
	snap := Snapshot{Project: "shop", Containers: []ContainerState{{
		ID: "abc", Service: "db", Name: "shop_db_1", OneOff: false, WasRunning: true,
		Policy: RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}, AutoRemove: false,
		Image: "postgres:16", ImageID: "sha256:1", RepoDigest: "postgres@sha256:2",
	}}}
	got, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"project":"shop","containers":[{"id":"abc","service":"db","name":"shop_db_1","oneOff":false,` +
		`"wasRunning":true,"policy":{"name":"on-failure","maximumRetryCount":3},"autoRemove":false,` +
		`"image":"postgres:16","imageId":"sha256:1","repoDigest":"postgres@sha256:2"}]}`
	if string(got) != want {
		t.Fatalf("JSON =\n%s\nwant\n%s", got, want)
	}
	var back Snapshot
	if err := json.Unmarshal(got, &back); err != nil || back.Containers[0] != snap.Containers[0] {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
}

func TestHasTag(t *testing.T) {
	for _, tc := range []struct {
		tags []string
		ref  string
		want bool
	}{
		{[]string{"rewind-svc:1"}, "rewind-svc:1", true},
		{[]string{"shop:latest"}, "shop", true},
		{[]string{"nginx:1.27"}, "docker.io/library/nginx:1.27", true},
		{[]string{"rewind-svc:1"}, "rewind-svc:2", false},
		{[]string{"rewind-svc:1"}, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false},
		{[]string{"shop:1"}, "shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false},
	} {
		if got := hasTag(tc.tags, tc.ref); got != tc.want {
			t.Errorf("hasTag(%q, %q) = %v, want %v", tc.tags, tc.ref, got, tc.want)
		}
	}
}

func TestPickDigest(t *testing.T) {
	const h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	ds := []string{"mirror.local/shop@sha256:" + h, "shop@sha256:" + h}
	if got := pickDigest("shop:1", ds); got != ds[1] {
		t.Errorf("pickDigest = %q, want the digest of the configured repository", got)
	}
	if got := pickDigest("other:1", ds); got != ds[0] {
		t.Errorf("pickDigest without a match = %q, want the first", got)
	}
}

func TestSnapshotImages(t *testing.T) {
	snap := Snapshot{Containers: []ContainerState{
		{Service: "migrate", OneOff: true, Image: "shop:1", ImageID: "sha256:1"},
		{Service: "web", OneOff: true, Image: "shop:1", ImageID: "sha256:1"}, // left from version 1
		{Service: "web", Image: "shop:2", ImageID: "sha256:2", RepoDigest: "shop@sha256:d2"},
		{Service: "db", Image: "pg:16", ImageID: "sha256:p"},
		{Service: "db", Image: "pg:15", ImageID: "sha256:q"},
		{Image: "stray", ImageID: "sha256:s"},
	}}
	var got []string
	for _, s := range snap.Images() {
		got = append(got, s.Service+"="+s.Image+"@"+s.ImageID+s.RepoDigest)
	}
	want := "web=shop:2@sha256:2shop@sha256:d2 db=pg:16@sha256:p migrate=shop:1@sha256:1"
	if strings.Join(got, " ") != want {
		t.Errorf("Images() = %q, want %q", strings.Join(got, " "), want)
	}
	if imgs := (Snapshot{}).Images(); imgs == nil || len(imgs) != 0 {
		t.Errorf("empty snapshot: %#v, want an empty list", imgs)
	}
}

func TestShortID(t *testing.T) {
	for in, want := range map[string]string{
		"sha256:0123456789abcdef": "0123456789ab",
		"0123456789abcdef":        "0123456789ab",
		"abc":                     "abc",
	} {
		if got := ShortID(in); got != want {
			t.Errorf("ShortID(%q) = %q, want %q", in, got, want)
		}
	}
}
