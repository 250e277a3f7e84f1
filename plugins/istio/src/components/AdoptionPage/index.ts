export {
  AdoptionPage,
  AdoptionPageContent,
  LegacyAdoptionPage,
} from './AdoptionPage';
