/**
 * A repository's manifests for namespace `shop`: an injected `reviews`
 * workload and a DestinationRule that sends it plaintext, which blocks
 * STRICT mTLS (MESH001).
 */
export const plaintextReviewsYaml = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, namespace: shop, labels: {app: reviews}}
spec: {containers: [{name: app}, {name: istio-proxy}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-plaintext, namespace: shop}
spec: {host: reviews.shop.svc.cluster.local, trafficPolicy: {tls: {mode: DISABLE}}}
`;
