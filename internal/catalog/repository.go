package catalog

import (
	"net/url"
	"strings"
)

// NormalizeRepository turns the many spellings of a repository location —
// git@github.com:org/repo.git, https://github.com/Org/Repo/tree/main/, a
// Backstage "url:" source location — into https://host/org/repo, lower-cased,
// so that a webhook's clone URL and a catalog entry compare equal.
func NormalizeRepository(raw string) string {
	// Stripping one decoration can expose another ("repo.git/ "); repeat
	// until nothing changes so that the result is a fixed point.
	s := normalizeRepositoryOnce(raw)
	for i := 0; i < 4; i++ {
		next := normalizeRepositoryOnce(s)
		if next == s {
			break
		}
		s = next
	}
	return s
}

func normalizeRepositoryOnce(raw string) string {
	// Hosts and GitHub/GitLab paths are case-insensitive.
	s := strings.ToLower(strings.TrimSpace(raw))
	if s == "" {
		return ""
	}
	s = strings.TrimPrefix(s, "url:")
	if strings.HasPrefix(s, "git@") {
		// git@host:org/repo.git
		if host, path, ok := strings.Cut(strings.TrimPrefix(s, "git@"), ":"); ok {
			s = "https://" + host + "/" + path
		}
	}
	s = strings.TrimPrefix(s, "git+")
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Scheme == "" {
		return strings.TrimRight(s, "/ \t")
	}
	if u.Scheme == "ssh" || u.Scheme == "git" || u.Scheme == "http" {
		u.Scheme = "https"
	}
	u.User = nil
	u.RawQuery, u.Fragment = "", ""
	path := strings.Trim(strings.TrimSpace(u.Path), "/ ")
	// Cut browsing suffixes: /tree/main/..., /blob/..., GitLab's /-/tree/...
	for _, marker := range []string{"/-/", "/tree/", "/blob/", "/src/"} {
		if i := strings.Index("/"+path, marker); i >= 0 {
			path = strings.Trim(("/" + path)[:i], "/")
		}
	}
	path = strings.TrimSuffix(path, ".git")
	out := u.Scheme + "://" + u.Host
	if path != "" {
		out += "/" + path
	}
	return strings.ToLower(out)
}
