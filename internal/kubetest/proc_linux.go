package kubetest

import "syscall"

// sysProcAttr has the kernel kill etcd and kube-apiserver if the test
// binary dies without running its clean-ups (go test's -timeout panics, a
// SIGKILL), so that no orphaned API server keeps its port and memory.
// Linux sends the signal when the thread that started the child exits,
// which the Go runtime does only for a goroutine that ends while locked to
// its thread (runtime.LockOSThread); tests here do not do that.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
