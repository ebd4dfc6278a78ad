package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// synthRows times 'cdk synth' of every arch against one, warm.
func synthRows(cdk, root, tmp string, runs int) ([]Row, error) {
	type result struct {
		wall time.Duration
		rss  float64 // MiB, the largest process of the tree
	}
	synth := func(arch string) (result, error) {
		cmd := exec.Command(cdk, "synth", "-c", "env=dev", "-c", "arch="+arch, "--quiet", "-o", filepath.Join(tmp, "cdk.out-"+arch))
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			return result{}, fmt.Errorf("cdk synth arch=%s: %v\n%s", arch, err, out)
		}
		r := result{wall: time.Since(start)}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.rss = float64(ru.Maxrss) / 1024
		}
		return r, nil
	}
	if _, err := synth("all"); err != nil { // warm: Go build cache, node
		return nil, err
	}
	best := map[string]result{}
	for range runs {
		for _, arch := range []string{"lambda", "all"} {
			r, err := synth(arch)
			if err != nil {
				return nil, err
			}
			if b, ok := best[arch]; !ok || r.wall < b.wall {
				best[arch] = r
			}
		}
	}
	return []Row{
		atMost(Row{Group: "synth", Name: "wall time, arch=all vs arch=lambda", Ours: best["all"].wall.Seconds(), Ceiling: best["lambda"].wall.Seconds(), Unit: "s",
			Note: "best of the runs, warm"}, 1.5),
		info(Row{Group: "synth", Name: "peak memory, arch=all vs arch=lambda", Ours: best["all"].rss, Ceiling: best["lambda"].rss, Unit: "MiB"}),
	}, nil
}
