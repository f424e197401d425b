package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/paved-dev/paved/internal/admission/install"
	"github.com/spf13/cobra"
)

func newAdmissionCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "admission", Short: "Install paved as the cluster's admission webhooks"}
	cmd.AddCommand(newAdmissionManifestsCmd(g), newAdmissionCertsCmd(g))
	return cmd
}

// admissionFlags names each install option's flag, so an invalid option
// is reported as the flag the user typed.
var admissionFlags = map[string]string{
	"Namespace":        "--namespace",
	"Image":            "--image",
	"FailurePolicy":    "--failure-policy",
	"CABundle":         "--ca-bundle",
	"WebhookURL":       "--webhook-url",
	"ExemptNamespaces": "--exempt-namespace",
	"Replicas":         "--replicas",
}

func newAdmissionManifestsCmd(g *globals) *cobra.Command {
	var opts install.Options
	var caFile string
	cmd := &cobra.Command{
		Use:   "install-manifests",
		Short: "Print the manifests that install paved's admission webhooks",
		Long: `Print the Namespace, ServiceAccount, Deployment, Service, PodDisruptionBudget
and the validating and mutating webhook configurations that install paved:

  paved admission certs --out certs
  kubectl create namespace paved
  kubectl -n paved create secret tls paved-tls --cert certs/tls.crt --key certs/tls.key
  paved admission install-manifests --ca-bundle certs/ca.crt | kubectl apply -f -

The webhooks fail open (--failure-policy Ignore) unless told otherwise, and
never see the exempt namespaces or paved's own. Replicas share decisions
through PostgreSQL when the Secret paved-database has a url key; without it
each replica keeps its own SQLite, which is for a quick start only.
The Helm chart in deploy/helm/paved installs the same objects.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if caFile != "" {
				b, err := os.ReadFile(caFile)
				if err != nil {
					var pe *fs.PathError
					if errors.As(err, &pe) {
						err = pe.Err
					}
					return fmt.Errorf("--ca-bundle %s: cannot read: %v", caFile, err)
				}
				if len(b) == 0 {
					return fmt.Errorf("--ca-bundle %s: is empty; use the PEM CA certificate (ca.crt from paved admission certs)", caFile)
				}
				opts.CABundle = b
			}
			out, err := install.YAML(opts)
			var fe *install.FieldError
			if errors.As(err, &fe) {
				flag := admissionFlags[fe.Field]
				if fe.Field == "CABundle" {
					flag += " " + caFile
				}
				return fmt.Errorf("%s %s", flag, fe.Msg)
			}
			if err != nil {
				return err
			}
			_, err = g.stdout.Write(out)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Namespace, "namespace", install.DefaultNamespace, "namespace paved runs in (always exempt from its own webhooks)")
	fl.StringVar(&opts.FailurePolicy, "failure-policy", install.DefaultFailurePolicy, "what the API server does when paved does not answer: Fail or Ignore")
	fl.StringVar(&opts.Image, "image", install.DefaultImage, "paved image to run")
	fl.StringVar(&caFile, "ca-bundle", "", "PEM file of the CA that signed paved's certificate (ca.crt from paved admission certs)")
	fl.StringVar(&opts.WebhookURL, "webhook-url", "", "https base URL of a paved running outside the cluster, used instead of the Service")
	fl.StringArrayVar(&opts.ExemptNamespaces, "exempt-namespace", install.DefaultExemptNamespaces, "namespace the webhooks never see; repeatable, replaces the default (keep kube-system)")
	fl.Int32Var(&opts.Replicas, "replicas", install.DefaultReplicas, "replicas of the paved Deployment")
	return cmd
}

func newAdmissionCertsCmd(g *globals) *cobra.Command {
	var out, namespace string
	var hosts []string
	var days int
	var force bool
	cmd := &cobra.Command{
		Use:   "certs --out DIR",
		Short: "Create a CA and a serving certificate for paved's webhooks",
		Long: `Create a private CA (ca.crt, ca.key) and a serving certificate signed by it
(tls.crt, tls.key) for paved.NAMESPACE.svc and any --hosts, in DIR. Keys are
written readable by you only. Existing files are kept unless --force.

Keep ca.key out of the cluster; with cert-manager installed, the Helm chart's
certManager.enabled does all of this for you and renews it.`,
		Args: exactArgs(0, "no arguments (use --out DIR)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out is required: the directory to write ca.crt, ca.key, tls.crt and tls.key to")
			}
			if err := install.ValidateNamespace(namespace); err != nil {
				return fmt.Errorf("--namespace %v", err)
			}
			if days < 1 {
				return fmt.Errorf("--days %d is not valid; use a number of days of 1 or more", days)
			}
			validFor := time.Duration(days) * 24 * time.Hour
			files, err := install.GenerateCerts(out, namespace, hosts, validFor, install.CertOptions{Overwrite: force})
			if err != nil {
				return err
			}
			nsFlag := ""
			if namespace != install.DefaultNamespace {
				nsFlag = " --namespace " + namespace
			}
			fmt.Fprintf(g.stdout, `wrote %s, %s, %s and %s (valid until %s)

next steps:
  kubectl create namespace %s
  kubectl -n %s create secret tls paved-tls --cert %s --key %s
  paved admission install-manifests%s --ca-bundle %s | kubectl apply -f -

keep %s safe and out of the cluster; renew before the certificates expire.
`, files.CACert, files.CAKey, files.Cert, files.Key, time.Now().Add(validFor).UTC().Format("2006-01-02"),
				namespace, namespace, files.Cert, files.Key, nsFlag, files.CACert, files.CAKey)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "", "directory to write the certificates and keys to (required)")
	fl.StringVar(&namespace, "namespace", install.DefaultNamespace, "namespace paved runs in; names its Service in the certificate")
	fl.StringSliceVar(&hosts, "hosts", nil, "extra DNS names or IP addresses for the certificate, comma-separated (for --webhook-url)")
	fl.IntVar(&days, "days", 365, "days the certificates are valid")
	fl.BoolVar(&force, "force", false, "overwrite existing files")
	return cmd
}
