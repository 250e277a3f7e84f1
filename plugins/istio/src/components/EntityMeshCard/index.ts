export { EntityMeshCard } from './EntityMeshCard';
