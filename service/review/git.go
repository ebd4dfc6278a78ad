package review

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// git runs git in dir and returns its trimmed standard output.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// repository is the working tree a review runs in.
type repository struct {
	root string
}

func openRepository(ctx context.Context, dir string) (*repository, error) {
	root, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("not in a git working tree: %w", err)
	}
	return &repository{root: root}, nil
}

// commit resolves ref to a commit id.
func (r *repository) commit(ctx context.Context, ref string) (string, error) {
	c, err := git(ctx, r.root, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil || c == "" {
		return "", fmt.Errorf("%q is not a commit in %s (fetch it first?)", ref, r.root)
	}
	return c, nil
}

// head describes the working tree: its HEAD commit and whether anything
// differs from it (untracked files included).
func (r *repository) head(ctx context.Context) (Revision, error) {
	c, err := git(ctx, r.root, "rev-parse", "--verify", "--quiet", "HEAD")
	if err != nil {
		return Revision{}, err
	}
	status, err := git(ctx, r.root, "status", "--porcelain", "--untracked-files=normal")
	if err != nil {
		return Revision{}, err
	}
	return Revision{Ref: "working tree", Commit: c, Dirty: status != ""}, nil
}

// addWorktree checks commit out, detached, at dir; remove undoes it.
func (r *repository) addWorktree(ctx context.Context, dir, commit string) (remove func(), err error) {
	// --force: a review killed before it removed its worktree left dir
	// registered; the caller has emptied it, and only this entry is reused
	// (a prune would touch every worktree of the repository).
	if _, err := git(ctx, r.root, "worktree", "add", "--detach", "--force", "--quiet", dir, commit); err != nil {
		return nil, err
	}
	return func() {
		// Not ctx: an interrupted review still removes its worktree.
		if _, err := git(context.Background(), r.root, "worktree", "remove", "--force", dir); err != nil {
			git(context.Background(), r.root, "worktree", "prune")
		}
	}, nil
}
