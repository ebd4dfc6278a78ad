package test

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// Every relative link in the repository's Markdown reaches a file that
// exists, and every #anchor a heading (or an explicit anchor) there, as
// GitHub renders them.
func TestMarkdownLinksResolve(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	list := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard", "*.md")
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]map[string]bool{}
	anchorsOf := func(path string) map[string]bool {
		if a, ok := anchors[path]; ok {
			return a
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		anchors[path] = markdownAnchors(src)
		return anchors[path]
	}
	files := 0
	for _, rel := range strings.Fields(string(out)) {
		if strings.Contains(rel, "node_modules/") {
			continue
		}
		path := filepath.Join(root, rel)
		src, err := os.ReadFile(path)
		if err != nil {
			continue // deleted, not yet committed
		}
		files++
		for _, dest := range markdownLinks(src) {
			u, err := url.Parse(dest)
			if err != nil {
				t.Errorf("%s: link %q: %v", rel, dest, err)
				continue
			}
			if u.Scheme != "" || u.Host != "" {
				continue // absolute: not this repository's to keep
			}
			target := path
			if u.Path != "" {
				target = filepath.Join(filepath.Dir(path), filepath.FromSlash(u.Path))
				if _, err := os.Stat(target); err != nil {
					t.Errorf("%s: link %q: no such file", rel, dest)
					continue
				}
			}
			if u.Fragment == "" || !strings.HasSuffix(target, ".md") {
				continue
			}
			if !anchorsOf(target)[u.Fragment] {
				t.Errorf("%s: link %q: no heading or anchor #%s in %s", rel, dest, u.Fragment, strings.TrimPrefix(target, root+"/"))
			}
		}
	}
	if files == 0 {
		t.Fatal("no Markdown files found")
	}
}

var mdParser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// markdownLinks are the destinations of a document's links and images.
func markdownLinks(src []byte) []string {
	var dests []string
	ast.Walk(mdParser.Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			dests = append(dests, string(l.Destination))
		case *ast.Image:
			dests = append(dests, string(l.Destination))
		}
		return ast.WalkContinue, nil
	})
	return dests
}

var htmlAnchorRE = regexp.MustCompile(`<a\s+(?:name|id)="([^"]+)"`)

// markdownAnchors are the ids GitHub gives a document's headings (its
// slugs, numbered when repeated) and its explicit <a name> anchors.
func markdownAnchors(src []byte) map[string]bool {
	ids := map[string]bool{}
	seen := map[string]int{}
	ast.Walk(mdParser.Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		var title bytes.Buffer
		ast.Walk(h, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
			if entering {
				switch t := c.(type) {
				case *ast.Text:
					title.Write(t.Segment.Value(src))
				case *ast.CodeSpan:
					for k := t.FirstChild(); k != nil; k = k.NextSibling() {
						if tx, ok := k.(*ast.Text); ok {
							title.Write(tx.Segment.Value(src))
						}
					}
					return ast.WalkSkipChildren, nil
				}
			}
			return ast.WalkContinue, nil
		})
		slug := githubSlug(title.String())
		if k := seen[slug]; k > 0 {
			ids[fmt.Sprintf("%s-%d", slug, k)] = true
		} else {
			ids[slug] = true
		}
		seen[slug]++
		return ast.WalkSkipChildren, nil
	})
	for _, m := range htmlAnchorRE.FindAllSubmatch(src, -1) {
		ids[string(m[1])] = true
	}
	return ids
}

// githubSlug is GitHub's heading id: lower case, letters, digits, hyphens
// and underscores kept, spaces made hyphens, everything else dropped.
func githubSlug(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(title)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// The checker finds what it is for: a missing file, a missing anchor, and
// GitHub's slugs for punctuation and repeated headings.
func TestMarkdownLinkCheckerFindsBrokenLinks(t *testing.T) {
	doc := []byte("# Use the constructs in your own CDK app\n## What it costs, and which to pick\n## Notes\n## Notes\n<a name=\"x-1\"></a>\n" +
		"[a](#what-it-costs-and-which-to-pick) [b](#notes-1) [c](other.md#y) `[not](a-link.md)`\n\n```\n[nor](this.md)\n```\n")
	if got := markdownLinks(doc); strings.Join(got, " ") != "#what-it-costs-and-which-to-pick #notes-1 other.md#y" {
		t.Errorf("links %v", got)
	}
	ids := markdownAnchors(doc)
	for _, want := range []string{"use-the-constructs-in-your-own-cdk-app", "what-it-costs-and-which-to-pick", "notes", "notes-1", "x-1"} {
		if !ids[want] {
			t.Errorf("no anchor %s in %v", want, ids)
		}
	}
	if ids["notes-2"] {
		t.Error("a third notes anchor")
	}
}
