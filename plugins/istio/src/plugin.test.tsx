import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { istioApiRef } from './api/IstioApi';
import { adoptionReport, mockIstioApi } from './testing/fixtures';
import { isIstioAvailable } from './kubernetesAnnotations';
import { annotatedEntity, plainEntity } from './testing/fixtures';
import istioPlugin from './index';

describe('istioPlugin', () => {
  it('declares the card, the tab, the page and the API', () => {
    for (const id of [
      'api:istio',
      'entity-card:istio/mesh',
      'entity-content:istio/mesh',
      'page:istio',
      'scaffolder-form-field:istio/traffic-pattern-picker',
    ]) {
      expect(istioPlugin.getExtension(id as any)).toBeDefined();
    }
  });

  it('loads the scaffolder field under the name templates use', async () => {
    const { trafficPatternPickerField } = await import(
      './components/TrafficPatternPicker/field'
    );
    // The form field is an opaque value; its options are carried on it.
    expect(trafficPatternPickerField).toMatchObject({
      name: 'IstioTrafficPatternPicker',
    });
  });

  it('mounts the adoption page at /service-mesh', async () => {
    const api = mockIstioApi({
      getAdoption: jest.fn(async () => adoptionReport()),
    });
    renderTestApp({
      features: [istioPlugin],
      initialRouteEntries: ['/service-mesh'],
      apis: [[istioApiRef, api]],
    });
    expect(
      await screen.findByText('Service mesh adoption'),
    ).toBeInTheDocument();
    expect(api.getAdoption).toHaveBeenCalled();
  });

  it('shows the card and tab only for entities with a Kubernetes annotation', () => {
    expect(isIstioAvailable(annotatedEntity)).toBe(true);
    expect(
      isIstioAvailable({
        ...plainEntity,
        metadata: {
          name: 'x',
          annotations: {
            'backstage.io/kubernetes-label-selector': 'app=x',
          },
        },
      }),
    ).toBe(true);
    expect(isIstioAvailable(plainEntity)).toBe(false);
  });
});
