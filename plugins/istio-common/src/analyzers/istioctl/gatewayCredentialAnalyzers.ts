import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { gatewayCredentialProblem } from './gatewayCredential';
import { definitionsFor, kubectlNamespace, report } from './messages';
import { WorkloadIndex, WorkloadInstance } from './workloadInstances';
import { labelMap, list, selectorString } from './specFields';

/** The TLS settings of a Gateway server, when it has any. */
function serverTls(server: any): Record<string, any> | undefined {
  const tls = server?.tls;
  return tls && typeof tls === 'object' && !Array.isArray(tls)
    ? tls
    : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * What identifies the certificate a server presents, as upstream compares
 * them: its credentialName, or (without one) the server certificate and
 * private key files, both set. Undefined when neither is given.
 */
function certificateOf(tls: Record<string, any>): string | undefined {
  const credential = text(tls.credentialName);
  if (credential) return `credential ${credential}`;
  const cert = text(tls.serverCertificate);
  const key = text(tls.privateKey);
  return cert && key ? `certificate ${cert} (key ${key})` : undefined;
}

/** True when every label of `inner` is in `outer` with the same value. */
function selectorWithin(
  inner: Record<string, string>,
  outer: Record<string, string>,
) {
  return Object.entries(inner).every(([k, v]) => outer[k] === v);
}

const certificateDefs = definitionsFor('gateway.CertificateAnalyzer', [
  'IST0138',
]);

/**
 * `gateway.CertificateAnalyzer`: a Gateway whose TLS server shares its
 * certificate with a server of another Gateway that runs on the same pods
 * or a subset of them (its selector is contained in the other's). Browsers
 * reuse an HTTP/2 connection for every host of a certificate, so requests
 * for the other Gateway's hosts reach the wrong server and get 404s.
 * @public
 */
export const certificateAnalyzer: Analyzer = {
  name: 'gateway.CertificateAnalyzer',
  definitions: certificateDefs,
  inputs: ['Gateway'],
  analyze({ snapshot }) {
    const gateways = snapshot.all('Gateway');
    // Only Gateways sharing a certificate can conflict: group by it first.
    const byCertificate = new Map<string, Set<MeshResource>>();
    const certificatesOf = new Map<MeshResource, string[]>();
    for (const gateway of gateways) {
      const certificates = [
        ...new Set(
          list(gateway.spec.servers)
            .map(serverTls)
            .map(tls => tls && certificateOf(tls))
            .filter((c): c is string => c !== undefined),
        ),
      ];
      certificatesOf.set(gateway, certificates);
      for (const certificate of certificates) {
        const group = byCertificate.get(certificate) ?? new Set();
        group.add(gateway);
        byCertificate.set(certificate, group);
      }
    }
    const findings: Finding[] = [];
    for (const gateway of gateways) {
      const selector = labelMap(gateway.spec.selector);
      // One message per other Gateway, naming the first shared certificate.
      const reported = new Set<MeshResource>();
      for (const certificate of certificatesOf.get(gateway)!) {
        for (const other of byCertificate.get(certificate)!) {
          if (other === gateway || reported.has(other)) continue;
          if (!selectorWithin(selector, labelMap(other.spec.selector))) {
            continue;
          }
          reported.add(other);
          findings.push(
            report(
              certificateDefs,
              'IST0138',
              gateway,
              `Gateway ${gateway.namespace}/${gateway.name} and Gateway ${other.namespace}/${other.name} serve the same ${certificate} on the same gateway pods; clients that reuse an HTTP/2 connection for both hosts get 404s from the wrong server.`,
              `Give each Gateway its own certificate, or merge the servers into one Gateway:\nkubectl edit gateway ${
                gateway.name
              }${kubectlNamespace(gateway)}`,
            ),
          );
        }
      }
    }
    return findings;
  },
};

const secretDefs = definitionsFor('gateway.SecretAnalyzer', [
  'IST0101',
  'IST0161',
]);

/** `credentialName` names a Secret as `name` or `namespace/name`. */
function secretRef(credentialName: string, gatewayNamespace: string) {
  const slash = credentialName.indexOf('/');
  return slash < 0
    ? { namespace: gatewayNamespace, name: credentialName }
    : {
        namespace: credentialName.slice(0, slash),
        name: credentialName.slice(slash + 1),
      };
}

/**
 * `gateway.SecretAnalyzer`: each `credentialName` of a Gateway must name a
 * Secret in the namespace of the gateway pods (not of the Gateway object)
 * that holds a usable, currently valid certificate. Pods and pod templates
 * count, so manifests checked before deployment are judged too. Unlike
 * upstream, a Gateway without any credentialName is left out: its selector
 * matching no pod is `gateway.IngressGatewayPortAnalyzer`'s finding, and
 * istioctl prints the two identical messages once.
 * @public
 */
export const secretAnalyzer: Analyzer = {
  name: 'gateway.SecretAnalyzer',
  definitions: secretDefs,
  // A cluster source never reads Secrets, so the backend skips this one.
  inputs: ['Gateway', 'Pod', 'Secret'],
  analyze({ snapshot }) {
    const workloads = new WorkloadIndex(snapshot);
    const firstPod = new Map<string, WorkloadInstance | undefined>();
    const now = new Date();
    const findings: Finding[] = [];
    for (const gateway of snapshot.all('Gateway')) {
      const credentialNames = list(gateway.spec.servers)
        .map(server => text(serverTls(server)?.credentialName))
        .filter(name => name !== '');
      if (credentialNames.length === 0) continue;
      const selector = labelMap(gateway.spec.selector);
      const selectorKey = selectorString(selector);
      // Istio reads the credentials where the gateway pods run; with pods in
      // several namespaces the first one found decides, as upstream.
      if (!firstPod.has(selectorKey)) {
        firstPod.set(selectorKey, workloads.selectedBy(selector)[0]);
      }
      const pod = firstPod.get(selectorKey);
      if (!pod) {
        findings.push(
          report(
            secretDefs,
            'IST0101',
            gateway,
            `Gateway ${gateway.namespace}/${gateway.name} selects gateway pods with "${selectorKey}", but no pod has these labels, so there is no namespace to read its credentials from.`,
            [
              'Use the labels of your gateway pods, for example:',
              'spec:',
              '  selector:',
              '    istio: ingressgateway',
              'kubectl get pods -A -l istio=ingressgateway --show-labels',
            ].join('\n'),
          ),
        );
        continue;
      }
      const missing = new Set<string>();
      const invalid = new Map<MeshResource, string>();
      for (const credentialName of credentialNames) {
        const ref = secretRef(credentialName, pod.namespace);
        const secret = snapshot.get('Secret', ref.namespace, ref.name);
        if (!secret) {
          // One message per credential, as istioctl prints repeats once.
          if (!missing.has(credentialName)) {
            missing.add(credentialName);
            findings.push(missingCredential(gateway, credentialName, ref));
          }
          continue;
        }
        const problem = gatewayCredentialProblem(secret.data, now);
        if (problem) invalid.set(secret, problem);
      }
      // istioctl words IST0161 per Gateway, so several bad Secrets make one message.
      if (invalid.size) findings.push(invalidCredentials(gateway, invalid));
    }
    return findings;
  },
};

function missingCredential(
  gateway: MeshResource,
  credentialName: string,
  ref: { namespace: string; name: string },
): Finding {
  return report(
    secretDefs,
    'IST0101',
    gateway,
    `Gateway ${gateway.namespace}/${gateway.name} uses credentialName "${credentialName}", but there is no Secret ${ref.namespace}/${ref.name} (credentials are read in the namespace of the gateway pods), so its TLS servers have no certificate.`,
    `Create the Secret next to the gateway pods:\nkubectl create secret tls ${ref.name} -n ${ref.namespace} --cert=server.crt --key=server.key`,
  );
}

function invalidCredentials(
  gateway: MeshResource,
  invalid: Map<MeshResource, string>,
): Finding {
  const problems = [...invalid].map(
    ([secret, problem]) =>
      `Secret ${secret.namespace}/${secret.name}: ${problem}`,
  );
  const [first] = invalid.keys();
  return report(
    secretDefs,
    'IST0161',
    gateway,
    `Gateway ${gateway.namespace}/${
      gateway.name
    } cannot serve TLS with its credentials (${problems.join('; ')}).`,
    `Replace the Secret with a valid certificate and key (keys tls.crt and tls.key, or cert and key):\nkubectl create secret tls ${first.name} -n ${first.namespace} --cert=server.crt --key=server.key --dry-run=client -o yaml | kubectl apply -f -`,
  );
}
