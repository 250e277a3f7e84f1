import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isIstioAvailable } from '@meshportal/plugin-istio';

// Facts exist only for annotated Components: the retriever's entity filter.
const meshScorecardCard = EntityCardBlueprint.make({
  name: 'mesh-scorecard',
  params: {
    filter: entity =>
      entity.kind.toLocaleLowerCase('en-US') === 'component' &&
      isIstioAvailable(entity),
    loader: () =>
      import('./MeshScorecardCard').then(m => <m.MeshScorecardCard />),
  },
});

/**
 * The demo's stand-in for the Tech Insights frontend: a "Mesh scorecard" card
 * on the entity overview.
 */
export const meshScorecardModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [meshScorecardCard],
});
